ValueError: This model has not yet been built. Build the model first by calling `build()` or by calling the model on a batch of data.
Epoch 1/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 2/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 3/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 4/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 5/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 6/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 7/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 8/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 9/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 10/10
re:32/32 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Model: "sequential"
_________________________________________________________________
 Layer (type)                Output Shape              Param #   
=================================================================
 dense (Dense)               (None, 64)                128       
                                                                 
 dense_1 (Dense)             (None, 32)                2080      
                                                                 
 dense_2 (Dense)             (None, 10)                330       
                                                                 
=================================================================
Total params: 2,538
Trainable params: 2,538
Non-trainable params: 0
_________________________________________________________________
